# graphql-ruby 1.13 (Debian ruby-graphql) served by Sinatra on puma, called by graphql-client 0.16
# (Debian ruby-graphql-client: schema introspection, then parsed queries with variables and fragments)
# and by net/http by hand (GET, a validation error, an unknown operation name, a batch the server
# does not take). Usage: ruby graphql.rb PORT — stops by itself. Logs each operation and its answer.
require 'graphql'
require 'graphql/client'
require 'graphql/client/http'
require 'sinatra/base'
require 'rack/handler/puma'
require 'json'
require 'net/http'
$stdout.sync = true

ITEMS = { '1' => { id: '1', name: 'widget', price: 9.5, tags: %w[a b] }, '2' => { id: '2', name: 'gadget', price: 20.0, tags: [] } }
class ItemType < GraphQL::Schema::Object
  graphql_name 'Item'
  field :id, ID, null: false
  field :name, String, null: false
  field :price, Float, null: true
  field :tags, [String], null: false
  field :secret, String, null: true
  def secret = raise(GraphQL::ExecutionError.new('not allowed', extensions: { code: 'FORBIDDEN' }))
end
class QueryType < GraphQL::Schema::Object
  graphql_name 'Query'
  field :item, ItemType, null: true do
    argument :id, ID, required: true
  end
  field :items, [ItemType], null: false do
    argument :first, Integer, required: false
  end
  def item(id:) = ITEMS[id]
  def items(first: nil) = ITEMS.values.first(first || ITEMS.size)
end
class MutationType < GraphQL::Schema::Object
  graphql_name 'Mutation'
  field :add_item, ItemType, null: false do
    argument :name, String, required: true
    argument :price, Float, required: false
  end
  def add_item(name:, price: nil)
    id = (ITEMS.size + 1).to_s
    ITEMS[id] = { id: id, name: name, price: price, tags: [] }
  end
end
class LabSchema < GraphQL::Schema
  query QueryType
  mutation MutationType
end

class App < Sinatra::Base
  set :logging, false
  set :show_exceptions, false
  post '/graphql' do
    content_type :json
    body = JSON.parse(request.body.read) rescue halt(400, { errors: [{ message: 'bad JSON' }] }.to_json)
    halt 400, { errors: [{ message: 'batches are not supported' }] }.to_json if body.is_a?(Array)
    LabSchema.execute(body['query'], variables: body['variables'] || {}, operation_name: body['operationName']).to_h.to_json
  end
  get '/graphql' do
    content_type :json
    vars = params['variables'] ? JSON.parse(params['variables']) : {}
    LabSchema.execute(params['query'], variables: vars, operation_name: params['operationName']).to_h.to_json
  end
end

port = Integer(ARGV[0] || 22270)
Thread.new { Rack::Handler::Puma.run(App, Host: '127.0.0.1', Port: port, Silent: true, Threads: '1:2') }
sleep 0.8
def log(what, r) = puts("#{what} => #{r.inspect}"[0, 300])

http = GraphQL::Client::HTTP.new("http://127.0.0.1:#{port}/graphql")
schema = GraphQL::Client.load_schema(http) # the introspection query
client = GraphQL::Client.new(schema: schema, execute: http)
Q = client.parse(<<~GRAPHQL)
  fragment ItemFields on Item { id name price tags }
  query GetItem($id: ID!) { item(id: $id) { ...ItemFields } }
  query ListItems($first: Int) { items(first: $first) { id name } }
  mutation AddItem($name: String!, $price: Float) { addItem(name: $name, price: $price) { id name price } }
  query Secret { item(id: "1") { name secret } }
GRAPHQL
r = client.query(Q::GetItem, variables: { id: '1' }); log('GetItem(1)', r.original_hash)
r = client.query(Q::GetItem, variables: { id: '99' }); log('GetItem(99)', r.original_hash)
r = client.query(Q::ListItems, variables: { first: 1 }); log('ListItems(1)', r.original_hash)
r = client.query(Q::AddItem, variables: { name: 'thing', price: 1.25 }); log('AddItem', r.original_hash)
r = client.query(Q::Secret); log('Secret (field error)', r.original_hash)

raw = lambda do |what, body, get: false|
  Net::HTTP.start('127.0.0.1', port) do |h|
    resp = if get then h.get("/graphql?#{URI.encode_www_form(body)}")
           else h.post('/graphql', body.is_a?(String) ? body : body.to_json, 'Content-Type' => 'application/json')
           end
    log(what, [resp.code, JSON.parse(resp.body)])
  end
end
raw.('GET items', { query: '{ items { name } }' }, get: true)
raw.('validation error', { query: '{ items { nope } }' })
raw.('syntax error', { query: '{ items { name ' })
raw.('two operations, one named', { query: 'query A { items { id } } query B { item(id: "2") { name } }', operationName: 'B' })
raw.('variables missing', { query: 'query Q($id: ID!) { item(id: $id) { name } }' })
raw.('batch (refused)', [{ query: '{ items { id } }' }, { query: '{ item(id: "1") { name } }' }])
sleep 0.2
exit!(0)
