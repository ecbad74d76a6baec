import sys


def main():
    print("main ran")


if __name__ == "__main__":
    sys.exit(main())
