"""The state store: SQLite with a schema version and forward migrations (`store`), and the JSON
forms of the model values it keeps (`codec`)."""

from agent.state.store import SCHEMA_VERSION, StateStore

__all__ = ["SCHEMA_VERSION", "StateStore"]
