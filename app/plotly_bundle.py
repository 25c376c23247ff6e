"""plotly.js as the product ships it, for the pages (served) and the HTML report
(embedded): the vendored partial bundle (the npm package ``plotly.js-cartesian-dist-min``,
MIT, the same version as the plotly package's full bundle) — bar, heatmap and scatter
are all the figures draw; 1.5 MB instead of 4.7 MB."""

from __future__ import annotations

import functools

PLOTLY_BUNDLE = "plotly-cartesian-4.1.1.min.js"


@functools.lru_cache(maxsize=1)
def plotly_source() -> str:
    """The vendored partial bundle, else (a checkout without it) the plotly package's
    full bundle."""
    from app.templating import static_dir

    bundled = static_dir() / "vendor" / PLOTLY_BUNDLE
    if bundled.is_file():
        return bundled.read_text(encoding="utf-8")
    import plotly.offline

    return plotly.offline.get_plotlyjs()
