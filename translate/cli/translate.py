"""``selaras translate`` (placeholder: being written)."""
