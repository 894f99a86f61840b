#pragma once
// crucible's async layer (SQLAlchemy 2.0's sqlalchemy.ext.asyncio) on C++20 coroutines and
// Boost.Asio: create_async_engine, AsyncEngine, AsyncConnection, AsyncTransaction,
// AsyncSession, async_sessionmaker. Not part of crucible/crucible.hpp: it brings Boost.Asio's
// headers with it.
#include "crucible/asyncio/engine.hpp"
#include "crucible/asyncio/fiber.hpp"
#include "crucible/asyncio/session.hpp"
