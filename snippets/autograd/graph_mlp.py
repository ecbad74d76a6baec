import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1)).to(device)
inputs = torch.randn(8, 3, device=device)
targets = torch.randn(8, 1, device=device)
loss = nn.functional.mse_loss(model(inputs), targets)


def print_mermaid(root, leaf_names):
    """Walk the backward graph from `root` and print it as a Mermaid flowchart."""
    ids, edges = {root: "n0"}, []

    def visit(node):
        for next_node, _ in node.next_functions:
            if next_node is None:  # an input that needs no gradient: no node
                continue
            new = next_node not in ids  # a node can be reached along two paths
            if new:
                ids[next_node] = f"n{len(ids)}"
            edges.append((ids[node], ids[next_node]))
            if new:
                visit(next_node)

    visit(root)
    print("graph BT")
    for node, nid in ids.items():
        if hasattr(node, "variable"):  # AccumulateGrad: holds a leaf tensor
            name = next(n for t, n in leaf_names.items() if t is node.variable)
            print(f'    {nid}["AccumulateGrad<br/>{name}"]:::leaf')
        else:
            print(f'    {nid}["{type(node).__name__}"]')
    for src, dst in edges:
        print(f"    {src} --> {dst}")
    print("    classDef leaf fill:#ffe0b2,stroke:#e65100,color:#000")


# The parameters are the leaves; name them as the model does
print_mermaid(loss.grad_fn, {p: name for name, p in model.named_parameters()})
