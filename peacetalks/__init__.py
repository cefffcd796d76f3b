"""peacetalks: a hand-curated dataset of the demands and meetings in the negotiations
to end Russia's war against Ukraine, and the generator of its site and data files."""

__all__ = ["__version__"]

__version__ = "0.1.0"
