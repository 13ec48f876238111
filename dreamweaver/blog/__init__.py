"""The reader pages: listings, the single post and page, search, widgets."""
