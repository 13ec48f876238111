"""Media: uploads, storage, responsive variants, embeds."""
