"""Draw the app icons (PNG) into pwa/public/icons/: 192 and 512 px, maskable variants, and the
Apple touch icon. Run with the project venv (Pillow): `npm run icons` or
`.venv/bin/python pwa/scripts/make_icons.py`. The PNGs are committed; rerun after changing this.

The picture: a white clipboard with a check mark on deep blue, two yellow dots for the two draws
("双随机"). Maskable icons keep everything inside the central 80 % safe zone.
"""
from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

BLUE = (11, 61, 145, 255)
YELLOW = (255, 194, 14, 255)
WHITE = (255, 255, 255, 255)
OUT = Path(__file__).resolve().parent.parent / "public" / "icons"
SS = 4  # supersampling for smooth edges


def draw(size: int, *, maskable: bool, rounded: bool) -> Image.Image:
    n = size * SS
    img = Image.new("RGBA", (n, n), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    if rounded:
        d.rounded_rectangle((0, 0, n - 1, n - 1), radius=int(n * 0.2), fill=BLUE)
    else:
        d.rectangle((0, 0, n, n), fill=BLUE)
    scale = 0.72 if maskable else 0.9

    def box(x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
        c = n / 2
        return (int(c + (x0 - 0.5) * n * scale), int(c + (y0 - 0.5) * n * scale),
                int(c + (x1 - 0.5) * n * scale), int(c + (y1 - 0.5) * n * scale))

    def pt(x: float, y: float) -> tuple[int, int]:
        c = n / 2
        return int(c + (x - 0.5) * n * scale), int(c + (y - 0.5) * n * scale)

    # clipboard and its clip
    d.rounded_rectangle(box(0.24, 0.2, 0.76, 0.86), radius=int(n * scale * 0.06), fill=WHITE)
    d.rounded_rectangle(box(0.38, 0.13, 0.62, 0.26), radius=int(n * scale * 0.04), fill=YELLOW)
    # check mark
    d.line([pt(0.34, 0.52), pt(0.46, 0.65), pt(0.67, 0.4)], fill=BLUE, width=int(n * scale * 0.075), joint="curve")
    for x, y in (pt(0.34, 0.52), pt(0.67, 0.4)):
        r = int(n * scale * 0.0375)
        d.ellipse((x - r, y - r, x + r, y + r), fill=BLUE)
    # two dots: two random draws
    for cx in (0.42, 0.58):
        d.ellipse(box(cx - 0.04, 0.73, cx + 0.04, 0.81), fill=YELLOW)
    return img.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw(size, maskable=False, rounded=True).save(OUT / f"icon-{size}.png", optimize=True)
        draw(size, maskable=True, rounded=False).save(OUT / f"maskable-{size}.png", optimize=True)
    draw(180, maskable=False, rounded=False).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)
    for p in sorted(OUT.glob("*.png")):
        print(p.relative_to(OUT.parent.parent), p.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
