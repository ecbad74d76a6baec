import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

x = torch.tensor(1.0, device=device)  # feature: data
y = torch.tensor(2.0, device=device)  # target: data
w = torch.tensor(1.0, device=device, requires_grad=True)  # weight: a leaf we train
loss = (w * x - y) ** 2


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


print_mermaid(loss.grad_fn, {w: "w"})
