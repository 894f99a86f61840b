#pragma once
// The ORM (SQLAlchemy 2.0's sqlalchemy.orm): mapped structs, Session, loader options.
//
//   using namespace crucible;
//   orm::Registry registry{metadata};
//   registry.map<User>("user_account").column(&User::id, "id", Integer{}, primary_key) …;
//   orm::Session session{engine};
//   for (auto& user : session.scalars(select<User>().where(orm::col(&User::name) == "Alice")))
//
// select<T>() and the loader options (selectinload, joinedload, raiseload, lazyload) are also
// named in namespace crucible, beside Core's select(…).
#include "crucible/orm/attributes.hpp"
#include "crucible/orm/mapper.hpp"
#include "crucible/orm/query.hpp"
#include "crucible/orm/session.hpp"

namespace crucible {
using orm::joinedload;
using orm::lazyload;
using orm::raiseload;
using orm::select;
using orm::selectinload;
}  // namespace crucible
