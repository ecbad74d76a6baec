from pathlib import Path

print(Path(__file__).with_name("data.txt").read_text().strip())
