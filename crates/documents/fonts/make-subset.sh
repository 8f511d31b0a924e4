set -e
# Inputs: Debian's fonts-noto-cjk (Noto Sans CJK 2.004, SIL OFL 1.1), face 2 = Noto Sans CJK SC.
SRC=/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
python3 - <<'PY'
# ASCII, GB 2312 (all of it, via Python's codec), CJK symbols and punctuation, full-width
# forms, the form's check boxes, then every ideograph of the Unified block (U+4E00–9FFF),
# Extension A (U+3400–4DBF) and Extension B (U+20000–2A6DF) the font has.
chars = set(chr(c) for c in range(0x20, 0x7F))
for b1 in range(0xA1, 0xF8):
    for b2 in range(0xA1, 0xFF):
        try:
            chars.add(bytes([b1, b2]).decode('gb2312'))
        except UnicodeDecodeError:
            pass
ranges = [(0x3000, 0x3040), (0xFF00, 0xFFF0), (0x4E00, 0xA000), (0x3400, 0x4DC0), (0x20000, 0x2A6E0)]
for lo, hi in ranges:
    chars.update(chr(c) for c in range(lo, hi))
chars.update('☑☐□■○●√×·—…“”‘’')
open('chars.txt', 'w', encoding='utf-8').write(''.join(sorted(chars)))
PY
pyftsubset "$SRC" --font-number=2 --text-file=chars.txt --layout-features='' --no-hinting \
  --name-IDs='*' --output-file=NotoSansCJKsc-Regular-shouhu.otf
