print("∂loss/∂w = −2 · x")
print("tab→\tend")
