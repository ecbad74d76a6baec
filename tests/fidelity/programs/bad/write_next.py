from pathlib import Path

Path(__file__).with_name("written.txt").write_text("hello")
print("wrote", Path(__file__).with_name("written.txt").name)
