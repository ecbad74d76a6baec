import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

rnn = nn.RNN(input_size=2, hidden_size=4, batch_first=True).to(device)
head = nn.Linear(4, 1).to(device)
optimizer = torch.optim.SGD([*rnn.parameters(), *head.parameters()], lr=0.1)
sequence = torch.randn(1, 12, 2, device=device)  # one long sequence, 12 time steps,
targets = torch.randn(1, 12, 1, device=device)  # trained on in chunks of 4 steps

h = torch.zeros(1, 1, 4, device=device)  # the hidden state, carried from chunk to chunk
for i, (x, y) in enumerate(zip(sequence.split(4, dim=1), targets.split(4, dim=1))):
    out, h = rnn(x, h)  # h is the output of the previous chunk's graph
    loss = nn.functional.mse_loss(head(out), y)
    optimizer.zero_grad()
    loss.backward(retain_graph=True)  # keep every graph, as the error message suggests
    optimizer.step()
    print(f"chunk {i}: loss {loss.item():.4f}")
