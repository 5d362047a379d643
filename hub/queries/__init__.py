"""Read-side queries over the read models, each filtered to what the caller may see."""
