import matplotlib
import matplotlib.pyplot as plt

fig, ax = plt.subplots()
ax.plot([0, 1, 2], [0, 1, 4])
print(fig.get_size_inches())
print(matplotlib.rcParams["figure.facecolor"])
print(matplotlib.get_backend())
plt.show()
