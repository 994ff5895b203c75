# The Sinatra app of the HTTP/1.1 round (http.rb, em-http.rb): JSON API, chunked stream, server-sent
# events, gzip, 204/304, redirects, uploads, msgpack.
require 'sinatra/base'
require 'json'
require 'zlib'
require 'stringio'
require 'msgpack'

class Lab < Sinatra::Base
  set :logging, false
  set :show_exceptions, false
  set :raise_errors, false
  ITEMS = { 1 => { 'id' => 1, 'name' => 'widget', 'tags' => %w[a b], 'price' => 9.5 } }

  get('/items/:id') do
    i = ITEMS[params[:id].to_i] or halt 404, { 'Content-Type' => 'application/json' }, { error: 'no such item' }.to_json
    content_type :json
    i.to_json
  end
  post('/items') do
    data = JSON.parse(request.body.read) rescue halt(400, { 'Content-Type' => 'application/problem+json' }, { title: 'bad json' }.to_json)
    status 201
    headers 'Location' => '/items/2'
    content_type :json
    data.merge('id' => 2).to_json
  end
  put('/upload/raw') do
    body = request.body.read
    content_type :json
    { bytes: body.bytesize, te: request.env['HTTP_TRANSFER_ENCODING'], expect: request.env['HTTP_EXPECT'] }.to_json
  end
  post('/upload/form') do
    f = params[:file]
    content_type :json
    { name: params[:name], file: f && f[:filename], size: f && f[:tempfile].size }.to_json
  end
  post('/mp') do
    obj = MessagePack.unpack(request.body.read)
    content_type 'application/msgpack'
    { 'got' => obj, 'n' => 1, 'bin' => "\x00\xff".b }.to_msgpack
  end
  get('/stream') do
    # no Content-Length: the server sends it chunked (HTTP/1.1)
    content_type 'application/x-ndjson'
    Enumerator.new { |y| 5.times { |i| y << { 'n' => i }.to_json + "\n"; sleep 0.02 } }
  end
  get('/events') do
    content_type 'text/event-stream'
    headers 'Cache-Control' => 'no-cache'
    Enumerator.new do |y|
      y << ": hello\n\n"
      3.times { |i| y << "id: #{i}\nevent: tick\ndata: {\"i\":#{i}}\n\n"; sleep 0.02 }
      y << "data: line one\ndata: line two\n\n"
    end
  end
  get('/gzip') do
    content_type :json
    headers 'Content-Encoding' => 'gzip', 'Vary' => 'Accept-Encoding'
    io = StringIO.new; gz = Zlib::GzipWriter.new(io); gz.write({ 'zipped' => true, 'pad' => 'z' * 2000 }.to_json); gz.close
    io.string
  end
  get('/empty') { status 204; '' }
  get('/cached') do
    etag 'v1' # 304 when If-None-Match matches
    content_type :json
    '{"cached":true}'
  end
  get('/old') { redirect '/items/1', 301 }
  get('/moved') { redirect '/items/1' } # 303 for HTTP/1.1 GET in Sinatra
  get('/boom') { raise 'kaboom' }
  get('/big') { content_type 'text/plain'; 'x' * 300_000 }
end
