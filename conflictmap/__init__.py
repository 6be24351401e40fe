"""conflictmap."""
