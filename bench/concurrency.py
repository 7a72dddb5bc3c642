"""(being written)"""
DOC = "_Not measured yet._"


def run(**kwargs):
    raise NotImplementedError("not written yet")


def render(r):
    return ""
