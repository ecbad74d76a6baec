import subprocess

subprocess.Popen(["sleep", "317.25"])
subprocess.Popen(["sleep", "317.25"], start_new_session=True)
print("started two sleeps")
