print("\x1b[31mred\x1b[0m and \x1b[1mbold\x1b[0m")
print("plain")
