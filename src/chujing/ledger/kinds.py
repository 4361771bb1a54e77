"""Membership kind codes (kept apart from models.py so that counting never imports the ORM)."""

KIND_PI = 0  # every person whose PI was exported
KIND_SPI = 1  # persons whose sensitive PI was exported
FIRST_POPULATION_CODE = 2  # populations: 2, 3, … (table `populations`)
KIND_NAMES = {KIND_PI: "personal_information", KIND_SPI: "sensitive_personal_information"}
