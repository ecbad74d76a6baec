import datetime

print("built on", datetime.date.today())
