import warnings


def check():
    warnings.warn("careful")


check()
import sympy  # noqa: E402,F401 - importing it changes the warnings filters

check()
print("done")
