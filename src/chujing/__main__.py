from chujing.cli import console

console()
