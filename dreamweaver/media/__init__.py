"""Media: uploads, their storage, responsive variants, and how posts show them."""
