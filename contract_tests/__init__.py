"""The contract suite: the spec, the generated client and a server held against each other."""
