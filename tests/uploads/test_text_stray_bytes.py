"""A UTF-8 file with one broken byte is still text: its row is rejected by the import, the
upload is not refused (the encoding detector, which reads the whole file, calls it UTF-8)."""

from core.uploads.text import text_problem


def test_one_broken_byte_among_many_good_characters_is_text(tmp_path):
    path = tmp_path / "mostly.csv"
    good = "".join(f"Клиент {i};Москва\n" for i in range(200)).encode()
    path.write_bytes("Имя;Город\n".encode() + good[:3000] + b"bad\xff;x\n" + good)
    assert text_problem(path) is None

