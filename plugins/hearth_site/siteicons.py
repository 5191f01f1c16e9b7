"""The site's icons and web manifest, in the theme's accent colour, made at build time.

A favicon (SVG), an apple-touch-icon (a 180 px PNG, which iOS wants as a bitmap) and
a web manifest. The mark is a plain house, a hearth's shelter, drawn as shapes: no
font, no image library and nothing from another host.
"""

from __future__ import annotations

import json
import struct
import zlib

from hearth_site.theme import SiteTheme

TOUCH_ICON_SIZE = 180
FAVICON = "favicon.svg"
TOUCH_ICON = "apple-touch-icon.png"
MANIFEST = "site.webmanifest"

# The house on a 32-unit grid: roof from (16, 7) down to (5, 17) and (27, 17); walls
# from x 9 to 23, down to y 26; a door from x 14 to 18, from y 19.
_ROOF = ((16, 6), (4, 17), (28, 17))
_WALLS = (8.5, 16, 23.5, 26)
_DOOR = (14, 19, 18, 26)


def favicon_svg(theme: SiteTheme) -> str:
    roof = " ".join(f"{x},{y}" for x, y in _ROOF)
    x1, y1, x2, y2 = _WALLS
    door = _DOOR
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
        f'<rect width="32" height="32" rx="7" fill="{theme.accent}"/>'
        f'<polygon points="{roof}" fill="#fff"/>'
        f'<rect x="{x1}" y="{y1}" width="{x2 - x1}" height="{y2 - y1}" fill="#fff"/>'
        f'<rect x="{door[0]}" y="{door[1]}" width="{door[2] - door[0]}" '
        f'height="{door[3] - door[1]}" fill="{theme.accent}"/></svg>\n'
    )


def _in_house(x: float, y: float) -> bool:
    """Whether the point (on the 32-unit grid) is white: roof or walls, not the door."""
    (top_x, top_y), (_left, base_y), (right_x, _) = _ROOF
    in_roof = top_y <= y <= base_y and abs(x - top_x) <= (y - top_y) * (right_x - top_x) / (
        base_y - top_y
    )
    x1, y1, x2, y2 = _WALLS
    in_walls = x1 <= x <= x2 and y1 <= y <= y2
    d1, e1, d2, e2 = _DOOR
    in_door = d1 <= x <= d2 and e1 <= y <= e2
    return (in_roof or in_walls) and not in_door


def touch_icon_png(theme: SiteTheme, size: int = TOUCH_ICON_SIZE) -> bytes:
    """A square PNG (iOS rounds the corners itself): the house, white on the accent."""
    accent = bytes(int(theme.accent[i : i + 2], 16) for i in (1, 3, 5))
    white = b"\xff\xff\xff"
    scale = 32 / size
    rows = []
    for row in range(size):
        y = (row + 0.5) * scale
        pixels = (white if _in_house((col + 0.5) * scale, y) else accent for col in range(size))
        rows.append(b"\x00" + b"".join(pixels))
    return _png(size, size, b"".join(rows))


def _png(width: int, height: int, raw: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def web_manifest(name: str, description: str, base: str, theme: SiteTheme) -> str:
    """``base`` is the site's path ("" at a domain's root)."""
    manifest = {
        "name": name,
        "short_name": name[:30],
        "description": description,
        "start_url": f"{base}/",
        "scope": f"{base}/",
        "display": "browser",
        "theme_color": theme.accent,
        "background_color": "#fffcf7",
        "icons": [
            {"src": f"{base}/{FAVICON}", "sizes": "any", "type": "image/svg+xml"},
            {
                "src": f"{base}/{TOUCH_ICON}",
                "sizes": f"{TOUCH_ICON_SIZE}x{TOUCH_ICON_SIZE}",
                "type": "image/png",
            },
        ],
    }
    return json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
