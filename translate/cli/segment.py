"""``selaras segment`` (placeholder: being written)."""
