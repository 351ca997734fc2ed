"""The contract's rules, hand-written: headers, bodies, field validation, limits, fixtures."""
