"""JAX's persistent compilation cache, so a second process starts warm.

Compiled programs are kept in a per-user folder: ``$LSTMKIT_CACHE_DIR``, else
``$XDG_CACHE_HOME/lstmkit/jax``, else ``~/.cache/lstmkit/jax``. Set
``LSTMKIT_CACHE_DIR=off`` to disable it. A cache folder the user already configured in
JAX is left alone.
"""

import os
from pathlib import Path

import jax


def cache_dir() -> Path | None:
    chosen = os.environ.get("LSTMKIT_CACHE_DIR")
    if chosen is not None:
        return None if chosen.lower() in ("", "off", "0", "none") else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "lstmkit" / "jax"


def enable() -> None:
    """Point JAX's persistent cache at lstmkit's folder unless already configured."""
    path = cache_dir()
    if path is None or jax.config.jax_compilation_cache_dir:
        return
    jax.config.update("jax_compilation_cache_dir", str(path))
    # The seed models compile in well under JAX's default 1 s threshold; cache them too.
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
