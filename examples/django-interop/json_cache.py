"""A JSON serializer for Django's Redis cache, so that an edge-sessions server
can share it (the cached_db engine's cache, settings.py).

Django's RedisCache pickles every value but ints; cached_db caches the session
dict. Through this serializer the cache holds the dict's compact JSON instead:
the text Django's session JSONSerializer signs, and the text edge-sessions
stores in its own cache. Both sides then read and write the same entries:

    CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379",
        "OPTIONS": {"serializer": "json_cache.JSONSerializer"},
    }}

with `redisCache(client, { prefix: ":1:" })` on the edge (Django's cache key is
"<KEY_PREFIX>:<VERSION>:<key>"). Only JSON values can go through it: a session
dict always can; other uses of the same cache alias must store JSON too (or
use another alias, with SESSION_CACHE_ALIAS naming this one).
"""
import json


class JSONSerializer:
    def dumps(self, obj):
        # django.core.signing.JSONSerializer's text: compact, ASCII only
        # (\uXXXX escapes), keys in insertion order. An int comes out as its
        # digits, as RedisSerializer leaves it, so incr() and decr() still work.
        return json.dumps(obj, separators=(",", ":"))

    def loads(self, data):
        return json.loads(data)  # bytes from redis-py; json detects UTF-8
