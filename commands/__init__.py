"""The command-line commands, one module per family (clean, fetch, eval, query, stories,
browse), with the options they share (options.py) and what they print (output.py).

Only cli.py imports this package: it loads a command's module when that command runs.
"""
