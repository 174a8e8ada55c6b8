"""``klientela screenshots`` photographs a running instance: one screen, three variants."""

from __future__ import annotations

import struct
import subprocess
import sys

from core.testing.fixtures import ADMIN_EMAIL, ADMIN_PASSWORD


def png_size(path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def test_screenshots_command_saves_light_dark_and_phone(server, tmp_path):
    out = tmp_path / "shots"
    done = subprocess.run(
        [sys.executable, "-m", "core.cli", "screenshots", "-o", str(out), "--url", server,
         "--email", ADMIN_EMAIL, "--password", ADMIN_PASSWORD, "--screen", "clients"],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["clients-dark.png", "clients-light.png", "clients-phone.png"]
    light, dark, phone = (out / f"clients-{v}.png" for v in ("light", "dark", "phone"))
    assert png_size(light)[0] == 1280 and png_size(dark)[0] == 1280
    assert png_size(phone)[0] == 390  # the phone viewport, not a shrunk desktop
    assert light.read_bytes() != dark.read_bytes()  # the dark scheme really applied


def test_a_wrong_screen_name_is_a_clear_error(server, tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "core.cli", "screenshots", "-o", str(tmp_path), "--url", server,
         "--email", ADMIN_EMAIL, "--password", ADMIN_PASSWORD, "--screen", "nope"],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode != 0 and "unknown screen or variant: nope" in done.stderr
    assert not list(tmp_path.glob("*.png"))
