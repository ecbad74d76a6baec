try:
    answer = input("name? ")
except EOFError:
    print("stdin is at end of file")
