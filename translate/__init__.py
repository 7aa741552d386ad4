"""Selaras: Indonesian→English translation, alignment, scoring, review and export.

The package is importable without torch: heavy libraries load only inside the code
that needs them, so ``selaras --help`` and the pure modules stay fast.
"""

__version__ = "0.1.0"
