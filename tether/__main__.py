from tether.cli import main

main(prog_name="tether")
