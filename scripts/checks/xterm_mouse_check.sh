#!/usr/bin/env bash
# The dashboard's mouse on a real terminal emulator: xterm under Xvfb, driven by xdotool.
# Clicks a tab, scrolls with the wheel, double-clicks a row, and checks MLDECK_FRAME_LOG for the
# events the dashboard decoded; screenshots go to OUT (default .build/xterm-check).
# Needs: apt-get install xvfb xterm xdotool x11-apps imagemagick. Not part of `make test`
# (a display server in CI is more than the check is worth); run it after touching the mouse code.
set -euo pipefail
MLDECK=${MLDECK:-.build/debug/mldeck}
OUT=${OUT:-.build/xterm-check}
DISPLAY_NUMBER=${DISPLAY_NUMBER:-:97}
for tool in Xvfb xterm xdotool xwd; do command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install xvfb xterm xdotool x11-apps)"; exit 2; }; done
CONVERT=$(ls /usr/bin/convert-im6.q16 /usr/bin/convert 2>/dev/null | head -1)
mkdir -p "$OUT"; rm -rf "$OUT/demo"
"$MLDECK" demo "$OUT/demo" --no-tui >/dev/null
Xvfb "$DISPLAY_NUMBER" -screen 0 1400x900x24 >/dev/null 2>&1 & XVFB=$!
trap 'kill $XVFB 2>/dev/null || true' EXIT
export DISPLAY=$DISPLAY_NUMBER
sleep 1
xterm -fa 'DejaVu Sans Mono' -fs 10 -geometry 120x35+0+0 -e env LANG=C.UTF-8 TERM=xterm-256color \
  MLDECK_FRAME_LOG="$OUT/frames.log" "$MLDECK" --workspace "$OUT/demo" &
sleep 4
shot() { xwd -root -silent | "$CONVERT" xwd:- -crop 1000x620+0+0 "$OUT/$1.png"; }
xdotool mousemove 100 250 click 5 click 5 click 5; sleep 0.7; shot 1-wheel     # Runs: the wheel moves the selection
xdotool mousemove 315 11 click 1; sleep 1; shot 2-models-tab                   # a click on the "3 Models" tab
xdotool mousemove 60 45 click --repeat 2 --delay 80 1; sleep 1.2; shot 3-double-click   # opens the model's versions
xdotool key q; sleep 0.5
for want in "mouse_wheelDown" "mouse_click_at_39,0" "mouse_doubleClick"; do
  grep -q "$want" "$OUT/frames.log" || { echo "FAIL: no $want in $OUT/frames.log"; exit 1; }
done
echo "ok: wheel, tab click and double click decoded in xterm; screenshots in $OUT"
