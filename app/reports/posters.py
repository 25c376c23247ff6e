"""Posters for teams without mailboxes: one A4 page per team with its open link as a QR
code and a short text in English and German."""

from __future__ import annotations

import segno
from markupsafe import Markup
from weasyprint import HTML

from app.reports.pdf_report import _ENV, _LocalOnly

__all__ = ["render_posters_pdf"]


def qr_svg(link: str) -> Markup:
    """The link as an inline SVG QR code (error correction M, quiet zone of 4 modules)."""
    return Markup(segno.make_qr(link, error="m").svg_inline(scale=6, border=4, omitsize=True))


def render_posters_pdf(*, campaign, organization_name: str, teams: list[dict]) -> bytes:
    """A PDF with a poster per team; ``teams`` holds ``team`` (its path) and ``link``."""
    posters = [{**t, "qr": qr_svg(t["link"])} for t in teams]
    html = _ENV.get_template("posters.html").render(
        campaign=campaign,
        organization=organization_name,
        posters=posters,
        closes_on=campaign.closes_on.isoformat() if campaign.closes_on else None,
    )
    return HTML(string=html, url_fetcher=_LocalOnly({})).write_pdf()
