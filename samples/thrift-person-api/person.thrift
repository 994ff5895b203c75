/*
 * The Person API (same operations as samples/xmlrpc-person-api, jsonrpc-person-api, rest-person-api),
 * as an Apache Thrift service.
 */
namespace py person
namespace java org.callscope.person

const string API_VERSION = "1.0"

enum Status {
  ACTIVE = 1,
  SUSPENDED = 2,
}

typedef string PersonId

struct Person {
  1: required PersonId id,
  2: string name,
  3: string email,
  4: optional i32 age,
  5: optional binary avatar,
  6: bool verified = false,
  7: double score,
  8: i64 createdMs,
  9: list<string> tags,
  10: map<string, string> attributes,
  11: set<i16> groups,
  12: Status status = Status.ACTIVE,
  13: i8 level,
}

struct Item {
  1: string key,
  2: string title,
  3: double price,
  4: list<string> tags,
}

exception NotFound {
  1: string message,
  2: PersonId personId,
}

service PersonApi {
  PersonId signup(1: Person person),
  Person readPerson(1: PersonId personId) throws (1: NotFound notFound),
  bool addItemToUsersItemsList(1: PersonId personId, 2: string itemId),
  Item modifyItem(1: string itemId, 2: Item item),
  list<Item> readUsersItemsList(1: PersonId personId) throws (1: NotFound notFound),
  void removeItem(1: string itemId),
  bool resign(1: PersonId personId),
  oneway void trackEvent(1: string name, 2: map<string, string> props),
}
