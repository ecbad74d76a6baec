import subprocess
import sys

print("parent before")
subprocess.run([sys.executable, "-c", "print('from the child process')"], check=True)
print("parent after")
