import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"


class MyReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)  # keep what backward will need
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):  # grad_output = d(loss)/d(output)
        (input,) = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0  # the slope of relu is 0 left of the kink
        return grad_input  # d(loss)/d(input), one per forward input


class CustomNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(10, 5)
        self.fc2 = nn.Linear(5, 1)

    def forward(self, x):
        return self.fc2(MyReLU.apply(self.fc1(x)))  # .apply, never forward()


model = CustomNN().to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
inputs = torch.randn(16, 10, device=device)
targets = torch.randn(16, 1, device=device)

optimizer.zero_grad()
loss = nn.functional.mse_loss(model(inputs), targets)
loss.backward()  # runs MyReLU.backward between fc2's and fc1's backward
optimizer.step()
print(f"loss before the step: {loss.item():.4f}")
print(f"loss after the step:  {nn.functional.mse_loss(model(inputs), targets).item():.4f}")
print("inputs of the last grad_fn:", [type(f).__name__ for f, _ in model(inputs).grad_fn.next_functions])
