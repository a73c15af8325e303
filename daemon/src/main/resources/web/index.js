// the placeholder page's state line (a separate file: the UI's CSP allows no inline script)
fetch('/rpc/v1', {method: 'POST', headers: {'Content-Type': 'application/json'},
  body: JSON.stringify({jsonrpc: '2.0', id: 1, method: 'state', params: {}})})
  .then(r => r.json())
  .then(r => { document.getElementById('state').textContent = 'Server state: ' + (r.result || r.error.message); })
  .catch(() => { document.getElementById('state').textContent = 'The server did not answer.'; });
