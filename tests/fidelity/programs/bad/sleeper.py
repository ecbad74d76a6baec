import subprocess
import time

subprocess.Popen(["sleep", "317.75"])
print("sleeping", flush=True)
time.sleep(317.75)
