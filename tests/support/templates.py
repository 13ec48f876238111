"""Templates compiled once per run, for the test modules that build many apps."""

from jinja2 import BytecodeCache


class CompiledTemplates(BytecodeCache):
    """Templates compiled once per run instead of once per test's app (Jinja
    checks each template's source checksum, so an edited template recompiles)."""

    def __init__(self):
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket):
        self.store[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()
