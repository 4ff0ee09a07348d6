"""Print the Markdown reference of the ``[world]`` parameters (``docs/world-parameters.md``)."""

from custodiet.scenario._docs import parameter_markdown
from custodiet.scenario._world import WorldConfig

if __name__ == "__main__":
    print(parameter_markdown(WorldConfig, title="World parameters", prefix="world."), end="")
