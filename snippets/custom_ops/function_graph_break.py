import numpy as np
import torch

device = "cuda" if torch.cuda.is_available() else "cpu"
KNOTS = np.arange(5.0)  # 0, 1, 2, 3, 4
TABLE = KNOTS**2  # x**2 at the knots; np.interp draws straight lines between them


class LookupSquare(torch.autograd.Function):
    @staticmethod
    def forward(x):
        y = np.interp(x.numpy(force=True), KNOTS, TABLE)
        return torch.from_numpy(y).to(x)

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0])

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (2 * x.floor() + 1)  # slope of the segment k..k+1 is 2k + 1


def f(x):
    return (LookupSquare.apply(x * 2) + 1).sum()


x = torch.tensor([0.3, 1.2], device=device, requires_grad=True)
explanation = torch._dynamo.explain(f)(x)
print("graphs:", explanation.graph_count, "| graph breaks:", explanation.graph_break_count)
first = explanation.break_reasons[0]
print("first break:", first.reason.splitlines()[0])
print("at:", first.user_stack[-1].line)

(eager,) = torch.autograd.grad(f(x), x)
(compiled,) = torch.autograd.grad(torch.compile(f, backend="aot_eager")(x), x)
print("gradient, eager:   ", eager.tolist())
print("gradient, compiled:", compiled.tolist())
