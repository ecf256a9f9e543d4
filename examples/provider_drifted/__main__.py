from examples.provider.serve import main

main(drift=True)
