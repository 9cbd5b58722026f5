"""The base of the admin and portal APIs' request and response models.

A cold start imports every route's models and a request uses a few of them, so each model
builds its validator and serializer when it is first used rather than when it is defined.
"""

from pydantic import BaseModel, ConfigDict


class ApiModel(BaseModel):
    model_config = ConfigDict(defer_build=True)
