"""Renderers for the terminal (text, Markdown); documents live in chujing.report."""
