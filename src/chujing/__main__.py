from chujing.cli import main

main()
